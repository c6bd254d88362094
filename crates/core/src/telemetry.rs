//! What Sigil counts, recorded where the use case decides (through the `metrics`
//! facade: nothing is kept unless the binary installed a recorder, which renders them
//! at `/metrics`). The names follow Prometheus' conventions: a `sigil_` prefix, base
//! units, `_total` for counters; every label takes one of a few fixed values.
use crate::oidc::application::GrantType;
use crate::outbox::Lane;

/// Sign-ins by `method` (`password`, `provider`, `restore`) and `outcome` (`success`,
/// `invalid_credentials`, `throttled`, `blocked`, `pending_deletion`).
pub const SIGN_INS: &str = "sigil_sign_ins_total";
/// Tokens issued at the token endpoint by `grant_type`.
pub const TOKENS: &str = "sigil_tokens_issued_total";
/// Refresh tokens presented again after their rotation: the family ended.
pub const REFRESH_REPLAYS: &str = "sigil_refresh_token_replays_total";
/// Delivery attempts of the outbox by `lane` and `outcome` (`sent`, `retry`, `failed`).
pub const DELIVERIES: &str = "sigil_outbox_deliveries_total";
/// Unexpired browser sessions in the database (all nodes').
pub const ACTIVE_SESSIONS: &str = "sigil_active_sessions";
/// Messages waiting in the outbox by `lane`, and those of them due now.
pub const OUTBOX_PENDING: &str = "sigil_outbox_pending_messages";
pub const OUTBOX_DUE: &str = "sigil_outbox_due_messages";
/// This node's database connections by `state` (`in_use`, `idle`).
pub const DB_CONNECTIONS: &str = "sigil_db_connections";

/// How the person signed in, as a label.
#[derive(Clone, Copy, Debug)]
pub enum Method {
    Password,
    Provider,
    Restore,
}

impl Method {
    fn label(self) -> &'static str {
        match self {
            Self::Password => "password",
            Self::Provider => "provider",
            Self::Restore => "restore",
        }
    }
}

/// One sign-in decided: `outcome` is a fixed word (see [`SIGN_INS`]).
pub fn sign_in(method: Method, outcome: &'static str) {
    metrics::counter!(SIGN_INS, "method" => method.label(), "outcome" => outcome).increment(1);
}

/// Tokens issued for one grant.
pub fn token_issued(grant_type: &'static str) {
    metrics::counter!(TOKENS, "grant_type" => grant_type).increment(1);
}

/// A refresh token replayed.
pub fn refresh_replay() {
    metrics::counter!(REFRESH_REPLAYS).increment(1);
}

/// The label of an outbox lane.
pub fn lane_label(lane: Lane) -> &'static str {
    match lane {
        Lane::People => "people",
        Lane::Applications => "applications",
    }
}

/// One delivery attempt ended with `outcome`.
pub fn delivery(lane: Lane, outcome: &'static str) {
    metrics::counter!(DELIVERIES, "lane" => lane_label(lane), "outcome" => outcome).increment(1);
}

/// Describes Sigil's own metrics (the `# HELP` lines); called once by the binary after
/// it installed its recorder.
pub fn describe() {
    use metrics::{describe_counter, describe_gauge};
    describe_counter!(SIGN_INS, "Sign-ins by method and outcome.");
    describe_counter!(TOKENS, "Tokens issued at the token endpoint by grant type.");
    describe_counter!(
        REFRESH_REPLAYS,
        "Refresh tokens presented again after their rotation (the grant was ended)."
    );
    describe_counter!(DELIVERIES, "Outbox delivery attempts by lane and outcome.");
    describe_gauge!(
        ACTIVE_SESSIONS,
        "Unexpired browser sessions in the database, on every node."
    );
    describe_gauge!(OUTBOX_PENDING, "Messages waiting in the outbox, by lane.");
    describe_gauge!(
        OUTBOX_DUE,
        "Messages in the outbox due for delivery now, by lane."
    );
    describe_gauge!(DB_CONNECTIONS, "This node's database connections by state.");
    // Every series of a counter starts at zero, so that a fresh node shows them all and
    // the first increment is a rise (a series that appears at 1 counts as no rate).
    for (method, outcomes) in SIGN_IN_OUTCOMES {
        for outcome in outcomes {
            metrics::counter!(SIGN_INS, "method" => method.label(), "outcome" => *outcome)
                .increment(0);
        }
    }
    for grant in GrantType::ALL {
        metrics::counter!(TOKENS, "grant_type" => grant.as_str()).increment(0);
    }
    metrics::counter!(REFRESH_REPLAYS).increment(0);
    for lane in Lane::ALL {
        for outcome in ["sent", "retry", "failed"] {
            metrics::counter!(DELIVERIES, "lane" => lane_label(lane), "outcome" => outcome)
                .increment(0);
        }
    }
}

/// The outcomes each way of signing in can have (see [`SIGN_INS`]).
const SIGN_IN_OUTCOMES: [(Method, &[&str]); 3] = [
    (
        Method::Password,
        &[
            "success",
            "invalid_credentials",
            "throttled",
            "blocked",
            "pending_deletion",
        ],
    ),
    (
        Method::Provider,
        &["success", "blocked", "pending_deletion"],
    ),
    (Method::Restore, &["success"]),
];
