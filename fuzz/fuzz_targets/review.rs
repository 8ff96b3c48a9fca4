//! The starter site with its review file replaced by the fuzzer's bytes.
#![no_main]

#[path = "common.rs"]
mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| common::run(common::Target::Review, data));
