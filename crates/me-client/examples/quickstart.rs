//! The README's SDK example: log in, read /me, note a recent item, read usage.
//! Run it against a server with `cargo run -p me-client --example quickstart`.

use me_client::me::{CountsParams, GetParams};
use me_client::me_wire::{UserCredentials, platform::RecentItemPost};
use me_client::{Client, DomainParams, Error};

#[tokio::main]
async fn main() -> Result<(), Error> {
    let client = Client::new("http://127.0.0.1:8080")?; // or Client::from_env(): ME_API_URL, ME_API_TOKEN
    let credentials =
        UserCredentials { email: "ada@example.com".into(), password: "Correct-Horse-9".into(), ..Default::default() };
    let authed = client.auth().authenticate_user(&credentials).await?;
    client.set_token(authed.token);

    let me = client.me().get(&GetParams { include_recent: Some(true), ..Default::default() }).await?;
    println!("{} owns {} applications", me.full_name, me.summary.app_count.unwrap_or(0));

    let app = client.applications().get().await?.items.into_iter().next();
    if let Some(app) = app {
        let item = RecentItemPost { item_type: "application".into(), parent_id: None, item_id: app.id };
        client.me().add_recent_item(&item, &DomainParams::default()).await?;
    }
    let payloads = client.me().payload_counts(&CountsParams::default()).await?;
    println!("{payloads:?}");

    match client.me().invite("000000000000000000000000", &DomainParams::default()).await {
        Err(Error::Api { status: 404, message, .. }) => println!("no such invitation: {message}"),
        other => println!("{other:?}"),
    }
    Ok(())
}
