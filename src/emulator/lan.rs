//! Serving the emulator to the local network (`emulator --host 0.0.0.0`, `--demo --lan`), so a
//! phone on the same Wi-Fi can open a demo link: which address the printed URL and every
//! `link_web_url` then use ([`choose`], a pure function; [`public_host`] asks the routing table
//! through a UDP socket that is never sent on), and the warning that goes with it.

use std::net::{IpAddr, Ipv4Addr, SocketAddr, UdpSocket};

/// The warning printed whenever the emulator listens beyond this machine.
pub const WARNING: &str = "the emulator is reachable from the network: anyone on it can open the demo links and call the emulated API (demo data only; no Vital key is involved)";

/// Whether listening on `host` reaches beyond this machine.
pub fn is_exposed(host: IpAddr) -> bool {
    !host.is_loopback()
}

/// The address to put in URLs for an emulator listening on `listen`: the listen address itself
/// when it is a specific one; for the unspecified address (`0.0.0.0`, `::`), the machine's LAN
/// address `route` when known (not loopback, not link-local), else loopback.
pub fn choose(listen: IpAddr, route: Option<IpAddr>) -> IpAddr {
    if !listen.is_unspecified() {
        return listen;
    }
    let usable = |ip: &IpAddr| {
        !ip.is_loopback()
            && !ip.is_unspecified()
            && match ip {
                IpAddr::V4(v4) => !v4.is_link_local(),
                IpAddr::V6(v6) => (v6.segments()[0] & 0xffc0) != 0xfe80,
            }
    };
    route
        .filter(usable)
        .unwrap_or(IpAddr::V4(Ipv4Addr::LOCALHOST))
}

/// `host:port` for URLs (IPv6 in brackets).
pub fn authority(ip: IpAddr, port: u16) -> String {
    SocketAddr::new(ip, port).to_string()
}

/// The address this machine would use to reach the network, from the routing table: a UDP
/// socket is "connected" to a documentation address (TEST-NET-1), which sends nothing.
pub fn route_address() -> Option<IpAddr> {
    let socket = UdpSocket::bind((Ipv4Addr::UNSPECIFIED, 0)).ok()?;
    socket.connect((Ipv4Addr::new(192, 0, 2, 1), 9)).ok()?;
    socket.local_addr().ok().map(|a| a.ip())
}

/// The host for URLs of an emulator listening on `listen`.
pub fn public_host(listen: IpAddr) -> IpAddr {
    if listen.is_unspecified() {
        choose(listen, route_address())
    } else {
        listen
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn a_specific_listen_address_is_used_as_is() {
        assert_eq!(
            choose(ip("127.0.0.1"), Some(ip("192.168.1.20"))),
            ip("127.0.0.1")
        );
        assert_eq!(choose(ip("10.0.0.5"), None), ip("10.0.0.5"));
    }

    #[test]
    fn the_unspecified_address_becomes_the_lan_address() {
        assert_eq!(
            choose(ip("0.0.0.0"), Some(ip("192.168.1.20"))),
            ip("192.168.1.20")
        );
        assert_eq!(choose(ip("::"), Some(ip("fd00::7"))), ip("fd00::7"));
    }

    #[test]
    fn without_a_usable_lan_address_it_falls_back_to_loopback() {
        for route in [
            None,
            Some(ip("127.0.0.1")),
            Some(ip("169.254.3.4")),
            Some(ip("fe80::1")),
            Some(ip("0.0.0.0")),
        ] {
            assert_eq!(choose(ip("0.0.0.0"), route), ip("127.0.0.1"), "{route:?}");
        }
    }

    #[test]
    fn exposure_and_authority() {
        assert!(!is_exposed(ip("127.0.0.1")) && !is_exposed(ip("::1")));
        assert!(is_exposed(ip("0.0.0.0")) && is_exposed(ip("192.168.1.20")));
        assert_eq!(authority(ip("192.168.1.20"), 8080), "192.168.1.20:8080");
        assert_eq!(authority(ip("fd00::7"), 80), "[fd00::7]:80");
    }
}
