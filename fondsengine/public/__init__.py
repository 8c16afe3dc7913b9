"""The fund in public: fund and project pages, statistics, legal texts (public data only)."""
