//! OpenSSL cipher strings, as Node's `ciphers` option means them.
//!
//! Node hands `ciphers` to OpenSSL 3.0: names starting `TLS_` are the TLS
//! 1.3 suites (`SSL_CTX_set_ciphersuites`: exact names, unknown ones
//! skipped, an empty result an error), the rest is a cipher list
//! (`SSL_CTX_set_cipher_list`: keywords, `!`/`-`/`+` operators, `@STRENGTH`,
//! `@SECLEVEL=n`). This module evaluates both the way OpenSSL does, over
//! OpenSSL's own table of suites and keywords (`openssl_table.rs`, generated
//! from the `openssl` CLI), so the same strings are accepted and refused:
//! a list naming only suites rustls lacks (`AES256-SHA`) is valid, as it is
//! for OpenSSL; one naming nothing OpenSSL knows (`FOOBARBAZ`) is "no cipher
//! match". Which of the selected suites rustls has is the caller's business.

mod openssl_table;

use crate::ssl_error;
use crate::Result;

/// One of OpenSSL's TLS ≤ 1.2 suites.
#[derive(Debug)]
pub(crate) struct OpenSslSuite {
    pub name: &'static str,
    #[allow(dead_code)] // kept with the data: the IANA name of the suite
    pub standard: &'static str,
    #[allow(dead_code)]
    pub protocol: &'static str,
    #[allow(dead_code)]
    pub kx: &'static str,
    #[allow(dead_code)]
    pub auth: &'static str,
    /// Strength: the cipher's key bits (`@STRENGTH` sorts by it).
    pub bits: u16,
    #[allow(dead_code)]
    pub mac: &'static str,
}

/// The TLS 1.3 suites OpenSSL 3.0 knows, by their standard names.
const TLS13_SUITES: [&str; 5] = [
    "TLS_AES_256_GCM_SHA384",
    "TLS_CHACHA20_POLY1305_SHA256",
    "TLS_AES_128_GCM_SHA256",
    "TLS_AES_128_CCM_SHA256",
    "TLS_AES_128_CCM_8_SHA256",
];

/// OpenSSL's default security level (Node 20 uses OpenSSL's, 1).
pub const DEFAULT_SECURITY_LEVEL: u8 = 1;

/// What a cipher list selects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CipherList {
    /// OpenSSL names of the selected TLS ≤ 1.2 suites, in preference order.
    pub suites: Vec<&'static str>,
    /// The last `@SECLEVEL=n`, if any.
    pub security_level: Option<u8>,
}

/// `SSL_CTX_set_ciphersuites`: the known TLS 1.3 names of a colon list, in
/// its order. Unknown names are skipped, as OpenSSL skips them; a list
/// that names none is "no cipher match" (an empty list selects none).
pub fn tls13_suites(spec: &str) -> Result<Vec<&'static str>> {
    if spec.is_empty() {
        return Ok(Vec::new());
    }
    let mut out: Vec<&'static str> = Vec::new();
    for word in spec.split(':') {
        if let Some(name) = TLS13_SUITES.iter().find(|n| **n == word) {
            if !out.contains(name) {
                out.push(name);
            }
        }
    }
    if out.is_empty() {
        return Err(ssl_error::NO_CIPHER_MATCH.error());
    }
    Ok(out)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Op {
    Add,
    Delete,
    Kill,
    Order,
}

/// `SSL_CTX_set_cipher_list`: evaluates an OpenSSL cipher list. An empty
/// list selects nothing and is allowed (Node clears TLS 1.2 that way); a
/// non-empty one that selects nothing is "no cipher match".
pub fn cipher_list(spec: &str) -> Result<CipherList> {
    let suites = openssl_table::SUITES;
    // The list in its current order; `active` is what is selected.
    let mut order: Vec<usize> = (0..suites.len()).collect();
    let mut active = vec![false; suites.len()];
    let mut killed = vec![false; suites.len()];
    let mut security_level = None;

    // "DEFAULT" opens a list only at its start (OpenSSL's rule).
    let expanded;
    let spec = match spec.strip_prefix("DEFAULT") {
        Some(rest) => {
            expanded = format!("ALL:!COMPLEMENTOFDEFAULT:!eNULL:{rest}");
            expanded.as_str()
        }
        None => spec,
    };
    for item in spec.split([':', ' ', ';', ',']).filter(|s| !s.is_empty()) {
        // `RSA@SECLEVEL=0`: a directive may follow a word without a separator.
        let mut pieces = item.split('@');
        let rule = pieces.next().unwrap_or_default();
        for directive in pieces {
            if let Some(level) = directive.strip_prefix("SECLEVEL=") {
                if let Ok(n) = level.parse::<u8>() {
                    security_level = Some(n.min(5));
                }
            } else if directive == "STRENGTH" {
                let mut selected: Vec<usize> = order.iter().copied().filter(|&i| active[i]).collect();
                selected.sort_by_key(|&i| std::cmp::Reverse(suites[i].bits));
                let rest = order.iter().copied().filter(|&i| !active[i]);
                order = rest.chain(selected).collect();
            }
        }
        if rule.is_empty() {
            continue;
        }
        let (op, words) = match rule.as_bytes()[0] {
            b'!' => (Op::Kill, &rule[1..]),
            b'-' => (Op::Delete, &rule[1..]),
            b'+' => (Op::Order, &rule[1..]),
            _ => (Op::Add, rule),
        };
        let Some(matched) = matching(words) else { continue };
        apply(op, &matched, &mut order, &mut active, &mut killed);
    }
    let selected: Vec<&'static str> = order.iter().filter(|&&i| active[i]).map(|&i| suites[i].name).collect();
    if selected.is_empty() && !spec.split([':', ' ', ';', ',']).all(|s| s.is_empty() || s.starts_with('@')) {
        return Err(ssl_error::NO_CIPHER_MATCH.error());
    }
    Ok(CipherList { suites: selected, security_level })
}

/// The suites `A+B+...` selects (the intersection), or None when a part
/// is unknown (OpenSSL then skips the whole rule).
fn matching(words: &str) -> Option<Vec<bool>> {
    let suites = openssl_table::SUITES;
    let mut set = vec![true; suites.len()];
    for word in words.split('+') {
        let mut part = vec![false; suites.len()];
        if let Some(i) = suites.iter().position(|s| s.name == word) {
            part[i] = true;
        } else if let Some((_, members)) = openssl_table::KEYWORDS.iter().find(|(k, _)| *k == word) {
            for &m in *members {
                part[usize::from(m)] = true;
            }
        } else {
            return None;
        }
        for (s, p) in set.iter_mut().zip(part) {
            *s &= p;
        }
    }
    Some(set)
}

/// OpenSSL's rule operators: add moves newly selected suites to the end,
/// `-` deselects (they may be added again), `!` removes for good, `+`
/// moves selected ones to the end.
fn apply(op: Op, matched: &[bool], order: &mut Vec<usize>, active: &mut [bool], killed: &mut [bool]) {
    let hits: Vec<usize> = order
        .iter()
        .copied()
        .filter(|&i| {
            matched[i]
                && !killed[i]
                && match op {
                    Op::Add => !active[i],
                    Op::Order | Op::Delete => active[i],
                    Op::Kill => true,
                }
        })
        .collect();
    if hits.is_empty() {
        return;
    }
    order.retain(|i| !hits.contains(i));
    match op {
        Op::Add => {
            for &i in &hits {
                active[i] = true;
            }
            order.extend(hits);
        }
        Op::Order => order.extend(hits),
        Op::Delete => {
            for &i in &hits {
                active[i] = false;
            }
            order.splice(0..0, hits);
        }
        Op::Kill => {
            for &i in &hits {
                active[i] = false;
                killed[i] = true;
            }
            order.extend(hits);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_outside_rustls_are_valid_and_nonsense_is_not() {
        assert_eq!(cipher_list("AES256-SHA").unwrap().suites, vec!["AES256-SHA"]);
        for bad in ["aes256-sha", "FOOBARBAZ", "!ALL"] {
            assert_eq!(cipher_list(bad).unwrap_err().code, "ERR_SSL_NO_CIPHER_MATCH", "{bad}");
        }
        assert!(cipher_list("").unwrap().suites.is_empty());
        assert_eq!(tls13_suites("TLS_not_a_cipher").unwrap_err().code, "ERR_SSL_NO_CIPHER_MATCH");
        assert_eq!(
            tls13_suites("TLS_AES_256_GCM_SHA384:!TLS_CHACHA20_POLY1305_SHA256").unwrap(),
            vec!["TLS_AES_256_GCM_SHA384"]
        );
    }

    #[test]
    fn security_level_directives() {
        assert_eq!(cipher_list("DEFAULT@SECLEVEL=0").unwrap().security_level, Some(0));
        assert_eq!(cipher_list("RSA@SECLEVEL=0").unwrap().security_level, Some(0));
        assert_eq!(cipher_list("DEFAULT:@SECLEVEL=2").unwrap().security_level, Some(2));
        assert_eq!(cipher_list("DEFAULT").unwrap().security_level, None);
        assert!(!cipher_list("DEFAULT@SECLEVEL=0").unwrap().suites.is_empty());
    }

    /// The same strings, evaluated by the `openssl` CLI (the 3.0 series)
    /// and here, select the same suites in the same order.
    #[test]
    fn agrees_with_openssl() {
        let Ok(version) = std::process::Command::new("openssl").arg("version").output() else {
            eprintln!("no openssl CLI: skipped");
            return;
        };
        if !String::from_utf8_lossy(&version.stdout).starts_with("OpenSSL 3.0") {
            eprintln!("openssl is not 3.0: skipped");
            return;
        }
        let specs = [
            "DEFAULT",
            "HIGH:!aNULL:!MD5",
            "ECDHE+AESGCM:!RSA",
            "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES128-GCM-SHA256:HIGH:!aNULL",
            "ALL:-ECDHE:+AES256",
            "AESGCM:CHACHA20:@STRENGTH",
            "kRSA:kECDHE:!SHA1",
            "PSK",
            "CHACHA20:AES128:-ECDSA:ALL",
            "TLSv1.2+AESGCM:!DSS",
            "ECDHE:DHE:!PSK:!SRP:!CAMELLIA:!ARIA:!CCM",
            crate::cipher_string::tests::NODE_DEFAULT,
        ];
        for spec in specs {
            let out = std::process::Command::new("openssl")
                .args(["ciphers", &format!("{spec}:@SECLEVEL=0")])
                .env("OPENSSL_CONF", "/dev/null")
                .output()
                .unwrap();
            let expected: Vec<String> = String::from_utf8_lossy(&out.stdout)
                .trim()
                .split(':')
                .filter(|n| !n.is_empty() && !n.starts_with("TLS_"))
                .map(str::to_owned)
                .collect();
            let ours = cipher_list(spec).unwrap().suites;
            assert_eq!(ours, expected, "{spec}");
        }
    }

    /// Node 20's `tls.DEFAULT_CIPHERS` without its TLS 1.3 names.
    pub(super) const NODE_DEFAULT: &str = "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES128-GCM-SHA256:\
        ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-AES256-GCM-SHA384:DHE-RSA-AES128-GCM-SHA256:\
        ECDHE-RSA-AES128-SHA256:DHE-RSA-AES128-SHA256:ECDHE-RSA-AES256-SHA384:DHE-RSA-AES256-SHA384:\
        ECDHE-RSA-AES256-SHA256:DHE-RSA-AES256-SHA256:HIGH:!aNULL:!eNULL:!EXPORT:!DES:!RC4:!MD5:\
        !PSK:!SRP:!CAMELLIA";
}
