// Kept by hand in step with migrations/sqlite and migrations/postgres: only column types that
// both backends share (Integer, Text, Bool, Timestamp) so one schema serves the MultiConnection.

diesel::table! {
    users (id) {
        id -> Integer,
        username -> Text,
        email -> Text,
        display_name -> Text,
        password_hash -> Nullable<Text>,
        role -> Text,
        created_at -> Timestamp,
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

diesel::joinable!(posts -> users (author_id));
diesel::joinable!(password_resets -> users (user_id));
diesel::joinable!(remember_tokens -> users (user_id));
diesel::joinable!(posts -> categories (category_id));
diesel::joinable!(post_tags -> posts (post_id));
diesel::joinable!(post_tags -> tags (tag_id));
diesel::joinable!(comments -> posts (post_id));
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
);
