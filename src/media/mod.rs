//! Uploaded images: the library's records, the files under the data dir, and how pages
//! show them (`picture`).

pub mod picture;
