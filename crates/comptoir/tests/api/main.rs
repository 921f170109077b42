//! The HTTP API, driven like a client would, on SQLite and on PostgreSQL.

mod activities;
mod admin;
mod articles;
mod attachments;
mod bulk;
mod companies;
mod contacts;
mod deals;
mod demo;
mod duplicates;
mod hardening;
mod health;
mod imports;
mod keyset;
mod listing;
mod macros;
mod mail;
mod pages;
mod permissions;
mod portal;
mod quotes;
mod storage;
mod surveys;
mod teams;
mod tickets;
mod webhooks;
