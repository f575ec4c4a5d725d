//! A tiny DNS server for the empty-root test: answers `A` questions for the names it holds
//! (one address each), an empty NOERROR for other types of those names (glibc asks `AAAA`
//! too), and NXDOMAIN for every other name. UDP only, one question per message, as glibc's
//! stub resolver sends them. It counts the questions it answered, so the test can show the
//! provider's lookups went through it.

use std::collections::HashMap;
use std::net::{Ipv4Addr, SocketAddr, UdpSocket};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

pub struct DnsServer {
    pub addr: SocketAddr,
    answered: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl DnsServer {
    /// Serves `names` (lower case, no trailing dot) on `bind` (port 53 for resolv.conf).
    pub fn start(bind: SocketAddr, names: &[(&str, Ipv4Addr)]) -> std::io::Result<DnsServer> {
        let socket = UdpSocket::bind(bind)?;
        socket.set_read_timeout(Some(Duration::from_millis(100)))?;
        let addr = socket.local_addr()?;
        let names: HashMap<String, Ipv4Addr> =
            names.iter().map(|(n, a)| (n.to_string(), *a)).collect();
        let answered = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let (answered, stop) = (answered.clone(), stop.clone());
            std::thread::spawn(move || {
                let mut buf = [0u8; 512];
                while !stop.load(Ordering::Relaxed) {
                    let Ok((n, peer)) = socket.recv_from(&mut buf) else {
                        continue;
                    };
                    if let Some((reply, known)) = answer(&buf[..n], &names) {
                        let _ = socket.send_to(&reply, peer);
                        if known {
                            answered.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                }
            })
        };
        Ok(DnsServer {
            addr,
            answered,
            stop,
            thread: Some(thread),
        })
    }

    /// Questions answered for one of the server's names.
    pub fn answered(&self) -> usize {
        self.answered.load(Ordering::Relaxed)
    }
}

impl Drop for DnsServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

const TYPE_A: u16 = 1;
const CLASS_IN: u16 = 1;

/// The reply to one query, and whether its name was one of ours; `None` for garbage.
fn answer(query: &[u8], names: &HashMap<String, Ipv4Addr>) -> Option<(Vec<u8>, bool)> {
    if query.len() < 12 || query[2] & 0x80 != 0 {
        return None;
    }
    let qdcount = u16::from_be_bytes([query[4], query[5]]);
    if qdcount != 1 {
        return None;
    }
    // The question: labels, then type and class.
    let mut pos = 12;
    let mut labels = Vec::new();
    loop {
        let len = *query.get(pos)? as usize;
        pos += 1;
        if len == 0 {
            break;
        }
        if len > 63 {
            return None;
        }
        labels.push(String::from_utf8_lossy(query.get(pos..pos + len)?).to_ascii_lowercase());
        pos += len;
    }
    let qtype = u16::from_be_bytes([*query.get(pos)?, *query.get(pos + 1)?]);
    let qclass = u16::from_be_bytes([*query.get(pos + 2)?, *query.get(pos + 3)?]);
    let question = &query[12..pos + 4];
    let name = labels.join(".");
    let known = names.get(&name);
    let record = known.filter(|_| qtype == TYPE_A && qclass == CLASS_IN);

    let mut reply = Vec::with_capacity(64);
    reply.extend_from_slice(&query[0..2]); // id
    let rd = query[2] & 0x01;
    reply.push(0x80 | 0x04 | rd); // response, authoritative, recursion desired as asked
    reply.push(0x80 | if known.is_some() { 0 } else { 3 }); // recursion available; NXDOMAIN
    reply.extend_from_slice(&1u16.to_be_bytes()); // questions
    reply.extend_from_slice(&u16::from(record.is_some()).to_be_bytes()); // answers
    reply.extend_from_slice(&0u16.to_be_bytes()); // authority
    reply.extend_from_slice(&0u16.to_be_bytes()); // additional
    reply.extend_from_slice(question);
    if let Some(ip) = record {
        reply.extend_from_slice(&[0xC0, 0x0C]); // the name, by pointer to the question
        reply.extend_from_slice(&TYPE_A.to_be_bytes());
        reply.extend_from_slice(&CLASS_IN.to_be_bytes());
        reply.extend_from_slice(&60u32.to_be_bytes()); // TTL
        reply.extend_from_slice(&4u16.to_be_bytes());
        reply.extend_from_slice(&ip.octets());
    }
    Some((reply, known.is_some()))
}

/// Run by the harness (`tests/release.rs` lists them).
pub mod tests {
    use super::*;

    fn query(name: &str, qtype: u16) -> Vec<u8> {
        let mut q = vec![0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0];
        for label in name.split('.') {
            q.push(label.len() as u8);
            q.extend_from_slice(label.as_bytes());
        }
        q.push(0);
        q.extend_from_slice(&qtype.to_be_bytes());
        q.extend_from_slice(&CLASS_IN.to_be_bytes());
        q
    }

    pub fn answers_a_for_its_names_and_nxdomain_for_others() {
        let names = HashMap::from([("oauth.zoom.test".to_string(), Ipv4Addr::LOCALHOST)]);
        let (reply, known) = answer(&query("OAuth.Zoom.test", TYPE_A), &names).unwrap();
        assert!(known);
        assert_eq!(&reply[0..2], &[0x12, 0x34]);
        assert_eq!(reply[3] & 0x0F, 0, "NOERROR");
        assert_eq!(u16::from_be_bytes([reply[6], reply[7]]), 1, "one answer");
        assert_eq!(&reply[reply.len() - 4..], &[127, 0, 0, 1]);

        let (reply, known) = answer(&query("oauth.zoom.test", 28), &names).unwrap();
        assert!(known);
        assert_eq!(reply[3] & 0x0F, 0, "AAAA: NOERROR, no answer");
        assert_eq!(u16::from_be_bytes([reply[6], reply[7]]), 0);

        let (reply, known) = answer(&query("example.com", TYPE_A), &names).unwrap();
        assert!(!known);
        assert_eq!(reply[3] & 0x0F, 3, "NXDOMAIN");
        assert!(answer(&[1, 2, 3], &names).is_none());
    }
}
