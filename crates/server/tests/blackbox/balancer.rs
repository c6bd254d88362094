//! The cluster test's load balancer: a TCP proxy on loopback that hands each new
//! connection to the next node in turn (round robin) and notes which node served which
//! request. Clients that open a connection per request (`Browser::at(…, true)`,
//! [`crate::helpers::one_request_per_connection`]) thus send every request to the next
//! node, as the cluster check does.
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// One request as the balancer passed it on.
#[derive(Clone, Debug)]
pub struct Served {
    /// The node's index in the list given to [`Balancer::start`].
    pub node: usize,
    /// The request line's method and path, without the query: `POST /oauth/token`.
    pub request: String,
}

pub struct Balancer {
    /// The public URL of the installation: `http://127.0.0.1:PORT`.
    pub base: String,
    served: Arc<Mutex<Vec<Served>>>,
}

/// The balancer's address, bound before the nodes start (they need it as their public
/// URL); nothing is accepted until [`Balancer::start`].
pub async fn bind() -> (TcpListener, String) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    (listener, base)
}

impl Balancer {
    pub fn start(listener: TcpListener, nodes: Vec<SocketAddr>) -> Balancer {
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        let served = Arc::new(Mutex::new(Vec::new()));
        let next = Arc::new(AtomicUsize::new(0));
        let log = served.clone();
        tokio::spawn(async move {
            loop {
                let Ok((client, _)) = listener.accept().await else {
                    return;
                };
                let node = next.fetch_add(1, Ordering::SeqCst) % nodes.len();
                let upstream = nodes[node];
                let log = log.clone();
                tokio::spawn(async move {
                    let _ = pass(client, upstream, node, log).await;
                });
            }
        });
        Balancer { base, served }
    }

    /// Every request passed on so far, in the order the connections came.
    pub fn served(&self) -> Vec<Served> {
        self.served.lock().expect("log").clone()
    }

    /// The node that served the latest request `request` (`POST /oauth/token`).
    pub fn node_of_last(&self, request: &str) -> usize {
        self.served()
            .iter()
            .rev()
            .find(|s| s.request == request)
            .unwrap_or_else(|| panic!("no {request} went through the balancer"))
            .node
    }
}

async fn pass(
    mut client: TcpStream,
    upstream: SocketAddr,
    node: usize,
    log: Arc<Mutex<Vec<Served>>>,
) -> std::io::Result<()> {
    let mut server = TcpStream::connect(upstream).await?;
    let mut first = vec![0u8; 16 * 1024];
    let n = client.read(&mut first).await?;
    let head = String::from_utf8_lossy(&first[..n]);
    let line = head.lines().next().unwrap_or_default();
    let mut words = line.split_whitespace();
    let method = words.next().unwrap_or_default();
    let path = words.next().unwrap_or_default();
    let path = path.split('?').next().unwrap_or_default();
    log.lock().expect("log").push(Served {
        node,
        request: format!("{method} {path}"),
    });
    server.write_all(&first[..n]).await?;
    tokio::io::copy_bidirectional(&mut client, &mut server).await?;
    Ok(())
}
