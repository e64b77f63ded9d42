"""The office's registers and services beside the grants: service cases and return visits
(care), the housing register (housing), talents' recognitions (recognition) and the
platforms money may be paid to (platform)."""
