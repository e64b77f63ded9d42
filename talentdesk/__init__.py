"""TalentDesk (人才服务台账): records of introduced talents and their subsidies."""

__version__ = "0.1.0"
APP_NAME = "TalentDesk"
APP_TITLE = "人才服务台账"
