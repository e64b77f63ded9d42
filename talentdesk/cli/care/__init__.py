"""Commands of the office's services to talents: service cases (服务事项), return visits
(走访记录) and the housing register (人才公寓)."""
