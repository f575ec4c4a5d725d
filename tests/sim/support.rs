//! Shared helpers for the simulator tests (`tests/sim/`): start a simulator, get a
//! token, and send requests that come back as (status, headers, JSON).
#![allow(dead_code)]

use base64::Engine;
use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};
use serde_json::Value;
use terraform_provider_zoom::sim::{self, SimConfig, SimHandle};

/// An answer: status, headers and the JSON body (`Value::Null` when empty).
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
}

impl Answer {
    /// The Zoom `code` of an error body.
    pub fn code(&self) -> Option<u64> {
        self.body.get("code").and_then(Value::as_u64)
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// A simulator plus a client holding a valid token.
pub struct Sim {
    pub handle: SimHandle,
    pub http: reqwest::Client,
    pub token: String,
}

pub fn basic(id: &str, secret: &str) -> String {
    let raw = format!("{id}:{secret}");
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(raw)
    )
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("reqwest client")
}

/// Start a simulator and fetch a token through `/oauth/token`.
pub async fn start(config: SimConfig) -> Sim {
    let handle = sim::spawn(config).await.expect("spawn simulator");
    let http = client();
    let token = fetch_token(&http, &handle).await;
    Sim {
        handle,
        http,
        token,
    }
}

pub async fn fetch_token(http: &reqwest::Client, handle: &SimHandle) -> String {
    let resp = http
        .post(handle.token_url())
        .query(&[
            ("grant_type", "account_credentials"),
            ("account_id", "sim-account"),
        ])
        .header("authorization", basic("sim-client", "sim-secret"))
        .send()
        .await
        .expect("token request");
    assert_eq!(resp.status(), StatusCode::OK);
    let body: Value = resp.json().await.expect("token json");
    body["access_token"]
        .as_str()
        .expect("access_token")
        .to_string()
}

pub async fn answer(resp: reqwest::Response) -> Answer {
    let status = resp.status();
    let headers = resp.headers().clone();
    let bytes = resp.bytes().await.expect("body");
    let body = if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&bytes)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()))
    };
    Answer {
        status,
        headers,
        body,
    }
}

impl Sim {
    /// Send `method path` (path relative to `/v2`) with the current token.
    pub async fn call(&self, method: Method, path: &str, body: Option<Value>) -> Answer {
        self.call_with(&self.token, method, path, body).await
    }

    pub async fn call_with(
        &self,
        token: &str,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> Answer {
        let url = format!("{}{}", self.handle.api_url(), path);
        let mut req = self.http.request(method, url).bearer_auth(token);
        if let Some(body) = body {
            req = req.json(&body);
        }
        answer(req.send().await.expect("request")).await
    }

    pub async fn get(&self, path: &str) -> Answer {
        self.call(Method::GET, path, None).await
    }

    pub async fn post(&self, path: &str, body: Value) -> Answer {
        self.call(Method::POST, path, Some(body)).await
    }

    pub async fn patch(&self, path: &str, body: Value) -> Answer {
        self.call(Method::PATCH, path, Some(body)).await
    }

    pub async fn delete(&self, path: &str) -> Answer {
        self.call(Method::DELETE, path, None).await
    }

    /// Create a role and return its id.
    pub async fn create_role(&self, name: &str) -> String {
        let a = self
            .post(
                "/roles",
                serde_json::json!({"name": name, "description": "test"}),
            )
            .await;
        assert_eq!(a.status, StatusCode::CREATED, "{:?}", a.body);
        a.body["id"].as_str().expect("role id").to_string()
    }

    /// Assign users (by id) to a role, expecting success.
    pub async fn assign(&self, role: &str, ids: &[&str]) -> Answer {
        let members: Vec<Value> = ids.iter().map(|id| serde_json::json!({"id": id})).collect();
        let a = self
            .post(
                &format!("/roles/{role}/members"),
                serde_json::json!({"members": members}),
            )
            .await;
        assert_eq!(a.status, StatusCode::CREATED, "{:?}", a.body);
        a
    }

    /// `GET`/`POST` on the control API.
    pub async fn control(&self, method: Method, path: &str, body: Option<Value>) -> Answer {
        let url = format!("{}{}", self.handle.base_url(), path);
        let mut req = self.http.request(method, url);
        if let Some(body) = body {
            req = req.json(&body);
        }
        answer(req.send().await.expect("control request")).await
    }
}
