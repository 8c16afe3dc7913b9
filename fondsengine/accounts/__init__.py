"""People and their accounts: registration, login, second factor, throttling, mail preferences."""
