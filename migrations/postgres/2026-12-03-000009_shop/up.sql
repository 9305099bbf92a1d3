-- The currency an order was placed in: its amounts are cents of it, whatever the shop's
-- currency setting says later.
ALTER TABLE orders ADD COLUMN currency TEXT NOT NULL DEFAULT 'USD';
