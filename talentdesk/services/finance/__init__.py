"""The office's money as a whole: budget lines (人才开发资金) against commitments."""
