// Kept by hand in step with migrations/sqlite and migrations/postgres: only column types that
// both backends share (Integer, BigInt, Text, Bool, Timestamp) so one schema serves the MultiConnection.

diesel::table! {
    users (id) {
        id -> Integer,
        username -> Text,
        email -> Text,
        display_name -> Text,
        password_hash -> Nullable<Text>,
        role -> Text,
        created_at -> Timestamp,
        email_normalized -> Text,
        disabled_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    settings (key) {
        key -> Text,
        value -> Text,
    }
}

diesel::table! {
    categories (id) {
        id -> Integer,
        slug -> Text,
        name -> Text,
        description -> Text,
        parent_id -> Nullable<Integer>,
    }
}

diesel::table! {
    tags (id) {
        id -> Integer,
        slug -> Text,
        name -> Text,
    }
}

diesel::table! {
    posts (id) {
        id -> Integer,
        slug -> Text,
        title -> Text,
        excerpt -> Text,
        body -> Text,
        body_html -> Text,
        status -> Text,
        published_at -> Nullable<Timestamp>,
        author_id -> Integer,
        category_id -> Nullable<Integer>,
        featured_image -> Nullable<Text>,
        image_alt -> Text,
        caption -> Text,
        credit -> Text,
        comments_open -> Bool,
        updated_at -> Timestamp,
        kind -> Text,
        version -> Integer,
        render_version -> Integer,
        featured_media_id -> Nullable<Integer>,
        /// `body_html` as plain text, for the search index (`search::plain_text`).
        body_text -> Text,
        sticky -> Bool,
        password -> Nullable<Text>,
        body_format -> Text,
    }
}

diesel::table! {
    post_tags (post_id, tag_id) {
        post_id -> Integer,
        tag_id -> Integer,
    }
}

diesel::table! {
    comments (id) {
        id -> Integer,
        post_id -> Integer,
        parent_id -> Nullable<Integer>,
        user_id -> Nullable<Integer>,
        author_name -> Text,
        author_email -> Text,
        author_url -> Text,
        body -> Text,
        status -> Text,
        created_at -> Timestamp,
        depth -> Integer,
        ip_hash -> Text,
        user_agent -> Text,
        body_html -> Text,
        render_version -> Integer,
        body_digest -> BigInt,
    }
}

diesel::table! {
    login_failures (id) {
        id -> Integer,
        subject -> Text,
        failed_at -> Timestamp,
    }
}

diesel::table! {
    password_resets (id) {
        id -> Integer,
        user_id -> Integer,
        token_hash -> Text,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    remember_tokens (id) {
        id -> Integer,
        user_id -> Integer,
        token_hash -> Text,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    products (id) {
        id -> Integer,
        slug -> Text,
        name -> Text,
        short_description -> Text,
        description -> Text,
        price_cents -> BigInt,
        sale_price_cents -> Nullable<BigInt>,
        sku -> Text,
        stock -> Nullable<Integer>,
        image -> Text,
        image_alt -> Text,
        published -> Bool,
        created_at -> Timestamp,
        image_media_id -> Nullable<Integer>,
        updated_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    carts (id) {
        id -> Integer,
        token_hash -> Nullable<Text>,
        user_id -> Nullable<Integer>,
        coupon_code -> Nullable<Text>,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    cart_items (cart_id, product_id) {
        cart_id -> Integer,
        product_id -> Integer,
        quantity -> Integer,
        added_at -> Timestamp,
    }
}

diesel::table! {
    orders (id) {
        id -> Integer,
        public_id -> Text,
        user_id -> Nullable<Integer>,
        owner_token_hash -> Nullable<Text>,
        idempotency_key -> Text,
        status -> Text,
        name -> Text,
        email -> Text,
        shipping_address -> Text,
        coupon_code -> Nullable<Text>,
        subtotal_cents -> BigInt,
        shipping_cents -> BigInt,
        discount_cents -> BigInt,
        total_cents -> BigInt,
        created_at -> Timestamp,
        currency -> Text,
    }
}

diesel::table! {
    order_items (id) {
        id -> Integer,
        order_id -> Integer,
        product_id -> Nullable<Integer>,
        name -> Text,
        sku -> Text,
        unit_price_cents -> BigInt,
        quantity -> Integer,
    }
}

diesel::table! {
    coupons (id) {
        id -> Integer,
        code -> Text,
        kind -> Text,
        amount -> BigInt,
        expires_at -> Nullable<Timestamp>,
        usage_limit -> Nullable<Integer>,
        used_count -> Integer,
    }
}

diesel::table! {
    session_grants (id) {
        id -> Integer,
        user_id -> Integer,
        token_hash -> Text,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    post_revisions (id) {
        id -> Integer,
        post_id -> Integer,
        author_id -> Nullable<Integer>,
        created_at -> Timestamp,
        title -> Text,
        slug -> Text,
        excerpt -> Text,
        body -> Text,
    }
}

diesel::table! {
    media (id) {
        id -> Integer,
        stem -> Text,
        extension -> Text,
        mime -> Text,
        original_name -> Text,
        width -> Integer,
        height -> Integer,
        byte_size -> BigInt,
        variant_widths -> Text,
        alt -> Text,
        uploaded_by -> Nullable<Integer>,
        created_at -> Timestamp,
        external_url -> Nullable<Text>,
    }
}

diesel::table! {
    post_categories (post_id, category_id) {
        post_id -> Integer,
        category_id -> Integer,
    }
}

diesel::table! {
    redirects (old_path) {
        old_path -> Text,
        post_id -> Integer,
    }
}

diesel::table! {
    wp_import_ids (source, kind, wp_id) {
        source -> Text,
        kind -> Text,
        wp_id -> BigInt,
        local_id -> Integer,
    }
}

diesel::joinable!(posts -> users (author_id));
diesel::joinable!(post_revisions -> posts (post_id));
diesel::joinable!(post_revisions -> users (author_id));
diesel::joinable!(posts -> media (featured_media_id));
diesel::joinable!(products -> media (image_media_id));
diesel::joinable!(session_grants -> users (user_id));
diesel::joinable!(password_resets -> users (user_id));
diesel::joinable!(remember_tokens -> users (user_id));
diesel::joinable!(posts -> categories (category_id));
diesel::joinable!(post_tags -> posts (post_id));
diesel::joinable!(post_tags -> tags (tag_id));
diesel::joinable!(post_categories -> posts (post_id));
diesel::joinable!(post_categories -> categories (category_id));
diesel::joinable!(redirects -> posts (post_id));
diesel::joinable!(comments -> posts (post_id));
diesel::joinable!(carts -> users (user_id));
diesel::joinable!(cart_items -> carts (cart_id));
diesel::table! {
    content_version (id) {
        id -> Integer,
        version -> BigInt,
    }
}

diesel::joinable!(cart_items -> products (product_id));
diesel::joinable!(orders -> users (user_id));
diesel::joinable!(order_items -> orders (order_id));
diesel::joinable!(order_items -> products (product_id));
diesel::joinable!(comments -> users (user_id));

diesel::allow_tables_to_appear_in_same_query!(
    users,
    settings,
    categories,
    tags,
    posts,
    post_tags,
    comments,
    login_failures,
    password_resets,
    remember_tokens,
    session_grants,
    products,
    carts,
    cart_items,
    orders,
    order_items,
    coupons,
    post_revisions,
    media,
    post_categories,
    redirects,
    wp_import_ids,
);
