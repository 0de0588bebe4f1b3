//! A lenient PEM reader ([RFC 7468]) with the [RFC 1421] headers that
//! OpenSSL's traditional key encryption puts after the `BEGIN` line.
//!
//! [RFC 1421]: https://www.rfc-editor.org/rfc/rfc1421#section-4.6
//! [RFC 7468]: https://www.rfc-editor.org/rfc/rfc7468

use base64ct::{Base64, Encoding};

/// One `-----BEGIN label-----` … `-----END label-----` block.
pub(super) struct Section<'a> {
    pub label: &'a str,
    /// The `Name: value` header lines that open the block, trimmed.
    pub headers: Vec<(&'a str, &'a str)>,
    /// The base64 lines, trimmed.
    body: Vec<&'a [u8]>,
}

pub(super) enum Block<'a> {
    Section(Section<'a>),
    /// A `BEGIN` line whose matching `END` line never came. Nothing after
    /// it can be read, so it is always the last block.
    Unterminated,
}

/// Whether `input` has a PEM start line somewhere (OpenSSL ignores
/// whatever precedes it).
pub(super) fn is_pem(input: &[u8]) -> bool {
    input.windows(11).any(|w| w == b"-----BEGIN ")
}

/// All blocks of `input`, in order.
pub(super) fn blocks(input: &[u8]) -> Vec<Block<'_>> {
    let mut blocks = Vec::new();
    let mut lines = input.split(|&b| b == b'\n');
    while let Some(line) = lines.next() {
        let Some(label) = boundary(line, "-----BEGIN ") else {
            continue;
        };
        let mut section = Section { label, headers: Vec::new(), body: Vec::new() };
        let mut in_headers = true;
        let mut terminated = false;
        for line in lines.by_ref() {
            if let Some(end) = boundary(line, "-----END ") {
                terminated = end == label;
                break;
            }
            let line = line.trim_ascii();
            if in_headers {
                if let Some(header) = header(line) {
                    section.headers.push(header);
                    continue;
                }
                in_headers = false;
            }
            if !line.is_empty() {
                section.body.push(line);
            }
        }
        if !terminated {
            blocks.push(Block::Unterminated);
            break;
        }
        blocks.push(Block::Section(section));
    }
    blocks
}

impl Section<'_> {
    /// The decoded body, or `None` if it is not base64.
    pub fn decode(&self) -> Option<Vec<u8>> {
        let text: Vec<u8> =
            self.body.iter().flat_map(|line| line.iter().copied()).filter(|b| !b.is_ascii_whitespace()).collect();
        Base64::decode_vec(std::str::from_utf8(&text).ok()?).ok()
    }

    /// The value of header `name` (case-insensitive), if present.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| *v)
    }
}

/// The label of an encapsulation boundary line such as
/// `-----BEGIN CERTIFICATE-----`, `prefix` being `-----BEGIN ` or `-----END `.
fn boundary<'a>(line: &'a [u8], prefix: &str) -> Option<&'a str> {
    let line = std::str::from_utf8(line.trim_ascii()).ok()?;
    line.strip_prefix(prefix)?.strip_suffix("-----")
}

/// An RFC 1421 `Name: value` header line. Base64 never contains `:`.
fn header(line: &[u8]) -> Option<(&str, &str)> {
    let (name, value) = std::str::from_utf8(line).ok()?.split_once(':')?;
    let name = name.trim();
    if name.is_empty() || name.contains(char::is_whitespace) {
        return None;
    }
    Some((name, value.trim()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::test_vectors::*;

    #[test]
    fn pem_headers_and_blocks() {
        let blocks = blocks(SEC1_AES128.as_bytes());
        let [Block::Section(section)] = &blocks[..] else { panic!() };
        assert_eq!(section.label, "EC PRIVATE KEY");
        assert_eq!(section.header("proc-type"), Some("4,ENCRYPTED"));
        assert_eq!(section.header("DEK-Info"), Some("AES-128-CBC,02412F23D2AF862333B4FBEA5473A598"));
        assert!(section.decode().is_some());
    }
}
