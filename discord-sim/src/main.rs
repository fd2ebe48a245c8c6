//! `discord-sim`: starts a server with the demo guild, prints its API base, and prints every
//! message the bot posts until interrupted.

use discord_sim::{demo::demo_guild, Sim};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let sim = Sim::start([demo_guild()]).await?;
    println!("discord-sim listening: DISCORD_API_BASE={}", sim.api_base());
    println!("token: {}", sim.token());
    let mut posts = sim.subscribe();
    loop {
        tokio::select! {
            post = posts.recv() => match post {
                Ok(post) => println!("{post}"),
                Err(tokio::sync::broadcast::error::RecvError::Lagged(missed)) => {
                    println!("({missed} posts not shown)");
                }
                Err(tokio::sync::broadcast::error::RecvError::Closed) => break,
            },
            _ = tokio::signal::ctrl_c() => break,
        }
    }
    Ok(())
}
