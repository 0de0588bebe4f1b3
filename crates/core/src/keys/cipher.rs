//! The CBC ciphers keys get encrypted with (legacy PEM encryption and the
//! PKCS#12 PBE schemes).

/// The CBC ciphers keys get encrypted with, all with PKCS#7 padding.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum CbcCipher {
    Des,
    DesEde2,
    DesEde3,
    Aes128,
    Aes192,
    Aes256,
    /// RC2 with an effective key length of 8 × the key length.
    Rc2 {
        key_len: usize,
    },
}

impl CbcCipher {
    pub(super) fn key_len(self) -> usize {
        match self {
            Self::Des => 8,
            Self::DesEde2 | Self::Aes128 => 16,
            Self::DesEde3 | Self::Aes192 => 24,
            Self::Aes256 => 32,
            Self::Rc2 { key_len } => key_len,
        }
    }

    pub(super) fn iv_len(self) -> usize {
        match self {
            Self::Aes128 | Self::Aes192 | Self::Aes256 => 16,
            _ => 8,
        }
    }

    /// Decrypt and unpad; `None` if the padding is wrong (wrong key).
    pub(super) fn decrypt(self, key: &[u8], iv: &[u8], data: &[u8]) -> Option<Vec<u8>> {
        match self {
            Self::Des => cbc_decrypt::<des::Des>(key, iv, data),
            Self::DesEde2 => cbc_decrypt::<des::TdesEde2>(key, iv, data),
            Self::DesEde3 => cbc_decrypt::<des::TdesEde3>(key, iv, data),
            Self::Aes128 => cbc_decrypt::<aes::Aes128>(key, iv, data),
            Self::Aes192 => cbc_decrypt::<aes::Aes192>(key, iv, data),
            Self::Aes256 => cbc_decrypt::<aes::Aes256>(key, iv, data),
            Self::Rc2 { .. } => cbc_decrypt::<rc2::Rc2>(key, iv, data),
        }
    }
}

fn cbc_decrypt<C>(key: &[u8], iv: &[u8], data: &[u8]) -> Option<Vec<u8>>
where
    C: cbc::cipher::BlockCipherDecrypt + cbc::cipher::KeyInit,
{
    use cbc::cipher::{block_padding::Pkcs7, BlockModeDecrypt, KeyIvInit};

    let decryptor = cbc::Decryptor::<C>::new_from_slices(key, iv).ok()?;
    let mut buffer = data.to_vec();
    let len = decryptor.decrypt_padded::<Pkcs7>(&mut buffer).ok()?.len();
    buffer.truncate(len);
    Some(buffer)
}
