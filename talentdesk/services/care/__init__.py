"""The office's services to talents beyond money: service cases of the talent card
(子女入学, 配偶安置, 落户, 体检 …), return visits, and the housing register."""
