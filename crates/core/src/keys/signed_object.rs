//! The outline of signed X.509 objects (certificates, CRLs), checked before
//! they are handed to webpki.

use der::{Reader, SliceReader, Tag};

/// The first TLV of `der` (trailing bytes allowed).
pub(super) fn first_tlv(der: &[u8]) -> der::Result<&[u8]> {
    SliceReader::new(der)?.tlv_bytes()
}

/// The outline every signed X.509 object shares, certificate ([RFC 5280]
/// §4.1) and CRL (§5.1) alike: `SEQUENCE { SEQUENCE, AlgorithmIdentifier,
/// BIT STRING }` with nothing after it. webpki checks the rest.
///
/// [RFC 5280]: https://www.rfc-editor.org/rfc/rfc5280
pub(super) fn check_signed_object(der: &[u8]) -> der::Result<()> {
    let mut reader = SliceReader::new(der)?;
    reader.sequence(|r| -> der::Result<()> {
        expect_tlv(r, Tag::Sequence)?;
        expect_tlv(r, Tag::Sequence)?;
        expect_tlv(r, Tag::BitString)?;
        Ok(())
    })?;
    reader.finish()
}

/// Skip one TLV, which must carry `tag`.
fn expect_tlv<'a>(reader: &mut SliceReader<'a>, tag: Tag) -> der::Result<&'a [u8]> {
    let found = Tag::peek(reader)?;
    found.assert_eq(tag)?;
    reader.tlv_bytes()
}
