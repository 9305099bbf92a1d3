//! Black-box tests: the real app on a random port, spoken to over HTTP.

mod common;

mod accounts;
mod admin_comments;
mod admin_journeys;
mod admin_media;
mod admin_posts;
mod admin_settings;
mod admin_shop;
mod admin_users;
mod comments;
mod demo;
mod feeds;
mod health;
mod html_validity;
mod http_caching;
mod import;
mod lifecycle;
mod migrations;
mod pages;
mod protected;
mod query_counts;
mod scale_out;
mod search;
mod security_accounts;
mod security_admin;
mod security_comments;
mod security_web;
mod seo;
mod shop;
mod static_files;
