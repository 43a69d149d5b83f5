//! The GitHub API client behind me-core's [`GithubApi`]: `GET <api>/user`
//! with the user's token, five seconds at most.

use async_trait::async_trait;
use me_core::github::{GithubApi, GithubError, GithubUser};
use serde::Deserialize;
use std::time::Duration;

pub struct GithubClient {
    http: reqwest::Client,
    base: String,
}

impl GithubClient {
    pub fn new(base: &str) -> anyhow::Result<GithubClient> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(5))
            .user_agent(concat!("me-api/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(GithubClient { http, base: base.trim_end_matches('/').to_owned() })
    }
}

#[derive(Deserialize)]
struct UserBody {
    id: serde_json::Value,
    login: String,
    avatar_url: Option<String>,
}

#[async_trait]
impl GithubApi for GithubClient {
    async fn user(&self, access_token: &str) -> Result<GithubUser, GithubError> {
        let response = self
            .http
            .get(format!("{}/user", self.base))
            .bearer_auth(access_token)
            .header("accept", "application/vnd.github+json")
            .send()
            .await
            .map_err(|e| GithubError::Unavailable(e.to_string()))?;
        let status = response.status();
        if status == reqwest::StatusCode::UNAUTHORIZED || status == reqwest::StatusCode::FORBIDDEN {
            return Err(GithubError::Rejected);
        }
        if !status.is_success() {
            return Err(GithubError::Unavailable(format!("GitHub answered {status}")));
        }
        let body: UserBody =
            response.json().await.map_err(|e| GithubError::Unavailable(format!("unreadable answer: {e}")))?;
        let id = match body.id {
            serde_json::Value::Number(n) => n.to_string(),
            serde_json::Value::String(s) if !s.is_empty() => s,
            _ => return Err(GithubError::Unavailable("the answer has no account id".into())),
        };
        Ok(GithubUser { id, login: body.login, avatar_url: body.avatar_url })
    }
}
