"""The register: talents, employers, their attachments and the queries behind the 人才库 table."""
