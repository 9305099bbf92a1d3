-- The skincare shop. Money is integer cents; a NULL stock means unlimited.
CREATE TABLE products (
    id SERIAL PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    short_description TEXT NOT NULL DEFAULT '',
    -- Markdown.
    description TEXT NOT NULL DEFAULT '',
    price_cents BIGINT NOT NULL,
    -- When set, the price a shopper pays.
    sale_price_cents BIGINT,
    sku TEXT NOT NULL UNIQUE,
    stock INTEGER,
    image TEXT NOT NULL DEFAULT '',
    image_alt TEXT NOT NULL DEFAULT '',
    published BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX products_published_name ON products (published, name);

-- A cart belongs to a guest (a hash of the token in their session) or to a user.
CREATE TABLE carts (
    id SERIAL PRIMARY KEY,
    token_hash TEXT UNIQUE,
    user_id INTEGER UNIQUE REFERENCES users (id) ON DELETE CASCADE,
    coupon_code TEXT,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX carts_updated ON carts (updated_at);

CREATE TABLE cart_items (
    cart_id INTEGER NOT NULL REFERENCES carts (id) ON DELETE CASCADE,
    product_id INTEGER NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    quantity INTEGER NOT NULL,
    added_at TIMESTAMP NOT NULL,
    PRIMARY KEY (cart_id, product_id)
);
CREATE INDEX cart_items_product ON cart_items (product_id);

-- Orders are reached by a random public id, never by the sequential one.
CREATE TABLE orders (
    id SERIAL PRIMARY KEY,
    public_id TEXT NOT NULL UNIQUE,
    user_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
    -- A guest's order: the hash of the token in their session.
    owner_token_hash TEXT,
    idempotency_key TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL DEFAULT 'processing',
    name TEXT NOT NULL,
    email TEXT NOT NULL,
    shipping_address TEXT NOT NULL,
    coupon_code TEXT,
    subtotal_cents BIGINT NOT NULL,
    shipping_cents BIGINT NOT NULL,
    discount_cents BIGINT NOT NULL,
    total_cents BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX orders_user ON orders (user_id, created_at);
CREATE INDEX orders_owner_token ON orders (owner_token_hash);
CREATE INDEX orders_created ON orders (created_at);

-- Names and prices are copied: an order never changes when a product does.
CREATE TABLE order_items (
    id SERIAL PRIMARY KEY,
    order_id INTEGER NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    product_id INTEGER REFERENCES products (id) ON DELETE SET NULL,
    name TEXT NOT NULL,
    sku TEXT NOT NULL,
    unit_price_cents BIGINT NOT NULL,
    quantity INTEGER NOT NULL
);
CREATE INDEX order_items_order ON order_items (order_id);
CREATE INDEX order_items_product ON order_items (product_id);

-- kind 'fixed': amount in cents off; kind 'percent': amount percent off.
CREATE TABLE coupons (
    id SERIAL PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    amount BIGINT NOT NULL,
    expires_at TIMESTAMP,
    usage_limit INTEGER,
    used_count INTEGER NOT NULL DEFAULT 0
);
