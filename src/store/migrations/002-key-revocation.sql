-- A key can be revoked (lost, or its holder left): it stops working at once and stays listed.
ALTER TABLE api_keys ADD COLUMN revoked_at TEXT;
