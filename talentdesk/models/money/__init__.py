"""Money beyond one talent's grant: the budget lines and their amendments (budget), in-post
recovery cases (recovery_case) and a departure's refund split by funding level
(departure_level)."""
