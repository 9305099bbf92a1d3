//! How long one password hash and one verify take with the production parameters:
//! `cargo run --release --example hash_timing`.

use std::time::Instant;

use glowpress::accounts::password;

fn main() -> anyhow::Result<()> {
    let rounds = 20;
    let started = Instant::now();
    let mut stored = String::new();
    for _ in 0..rounds {
        stored = password::hash("velvet kettle orbits lazily")?;
    }
    let hash_ms = started.elapsed().as_secs_f64() * 1000.0 / f64::from(rounds);
    let started = Instant::now();
    for _ in 0..rounds {
        let _ = password::verify("velvet kettle orbits lazily", Some(&stored));
    }
    let verify_ms = started.elapsed().as_secs_f64() * 1000.0 / f64::from(rounds);
    println!("{stored}");
    println!("hash: {hash_ms:.1} ms, verify: {verify_ms:.1} ms (mean of {rounds})");
    Ok(())
}
