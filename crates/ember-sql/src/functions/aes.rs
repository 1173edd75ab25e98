//! Spark's `aes_encrypt(expr, key[, mode[, padding[, iv[, aad]]]])`, `aes_decrypt(expr, key[,
//! mode[, padding[, aad]]])` and `try_aes_decrypt` on RustCrypto's AES, with Spark's layouts: GCM
//! (the default) is the 12-byte IV, the ciphertext and the 16-byte tag; CBC the 16-byte IV and
//! the PKCS#7-padded ciphertext; ECB the padded ciphertext alone. Keys are 16, 24 or 32 bytes.
//! Without an IV (or with an empty one) a random one is drawn per value, as Spark does.
//!
//! As Spark: a `NULL` argument gives `NULL`; a bad key length, IV length, mode/padding pair, an
//! IV for ECB or AAD for anything but GCM fails with Spark's error class; a wrong key, a damaged
//! ciphertext or different AAD fails decryption with `AES_CRYPTO_ERROR`, and `try_aes_decrypt`
//! gives `NULL` instead of any of these errors.

use std::sync::Arc;

use aes::{Aes128, Aes192, Aes256};
use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{AesGcm, Nonce};
use cbc::cipher::block_padding::Pkcs7;
use cbc::cipher::{BlockModeDecrypt, BlockModeEncrypt, KeyIvInit};
use datafusion::arrow::array::{Array, ArrayRef, AsArray, BinaryBuilder};
use datafusion::arrow::datatypes::DataType;
use datafusion::error::{DataFusionError, Result as DfResult};
use datafusion::prelude::SessionContext;
use rand::RngExt as _;

use super::{ColumnFn, exec_err, plan_err};

/// A block cipher mode Spark supports.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Mode {
    Ecb,
    Cbc,
    Gcm,
}

fn unsupported(mode: &str, padding: &str) -> DataFusionError {
    exec_err(format!(
        "[UNSUPPORTED_FEATURE.AES_MODE] The feature is not supported: AES-{mode} with the padding {padding} by the `aes_encrypt`/`aes_decrypt` function. SQLSTATE: 0A000"
    ))
}

/// The mode for Spark's `(mode, padding)` pair: (ECB, PKCS), (CBC, PKCS) and (GCM, NONE), with
/// DEFAULT the mode's own; any case.
fn mode_of(mode: &str, padding: &str) -> DfResult<Mode> {
    let (m, p) = (mode.to_ascii_uppercase(), padding.to_ascii_uppercase());
    match (m.as_str(), p.as_str()) {
        ("ECB", "PKCS" | "DEFAULT") => Ok(Mode::Ecb),
        ("CBC", "PKCS" | "DEFAULT") => Ok(Mode::Cbc),
        ("GCM", "NONE" | "DEFAULT") => Ok(Mode::Gcm),
        _ => Err(unsupported(&m, &p)),
    }
}

fn check_key(key: &[u8]) -> DfResult<()> {
    if matches!(key.len(), 16 | 24 | 32) {
        Ok(())
    } else {
        Err(exec_err(format!(
            "[INVALID_PARAMETER_VALUE.AES_KEY_LENGTH] The value of parameter(s) `key` in `aes_encrypt`/`aes_decrypt` is invalid: expects a binary value with 16, 24 or 32 bytes, but got {} bytes. SQLSTATE: 22023",
            key.len()
        )))
    }
}

fn crypto_error(detail: &str) -> DataFusionError {
    exec_err(format!(
        "[INVALID_PARAMETER_VALUE.AES_CRYPTO_ERROR] The value of parameter(s) `expr`, `key` in `aes_encrypt`/`aes_decrypt` is invalid: detail message: {detail} SQLSTATE: 22023"
    ))
}

/// Runs `$body` with `$cipher` the AES of the key's size.
macro_rules! with_aes {
    ($key:expr, $cipher:ident => $body:expr) => {
        match $key.len() {
            16 => {
                type $cipher = Aes128;
                $body
            }
            24 => {
                type $cipher = Aes192;
                $body
            }
            _ => {
                type $cipher = Aes256;
                $body
            }
        }
    };
}

fn encrypt(input: &[u8], key: &[u8], mode: Mode, iv: &[u8], aad: &[u8]) -> DfResult<Vec<u8>> {
    check_key(key)?;
    let name = match mode {
        Mode::Ecb => "ECB",
        Mode::Cbc => "CBC",
        Mode::Gcm => "GCM",
    };
    if mode == Mode::Ecb && !iv.is_empty() {
        return Err(exec_err(format!(
            "[UNSUPPORTED_FEATURE.AES_MODE_IV] The feature is not supported: `aes_encrypt` with AES-{name} does not support initialization vectors (IVs). SQLSTATE: 0A000"
        )));
    }
    if mode != Mode::Gcm && !aad.is_empty() {
        return Err(exec_err(format!(
            "[UNSUPPORTED_FEATURE.AES_MODE_AAD] The feature is not supported: `aes_encrypt` with AES-{name} does not support additional authenticate data (AAD). SQLSTATE: 0A000"
        )));
    }
    let iv_len = match mode {
        Mode::Ecb => 0,
        Mode::Cbc => 16,
        Mode::Gcm => 12,
    };
    if !iv.is_empty() && iv.len() != iv_len {
        return Err(exec_err(format!(
            "[INVALID_PARAMETER_VALUE.AES_IV_LENGTH] The value of parameter(s) `iv` in `aes_encrypt`/`aes_decrypt` is invalid: supports 16-byte CBC IVs and 12-byte GCM IVs, but got {} bytes for {name}. SQLSTATE: 22023",
            iv.len()
        )));
    }
    let iv: Vec<u8> = if iv.is_empty() {
        let mut random = vec![0u8; iv_len];
        rand::rng().fill(&mut random[..]);
        random
    } else {
        iv.to_vec()
    };
    let body = with_aes!(key, C => match mode {
        Mode::Ecb => ecb::Encryptor::<C>::new_from_slice(key)
            .map_err(|e| crypto_error(&e.to_string()))?
            .encrypt_padded_vec::<Pkcs7>(input),
        Mode::Cbc => cbc::Encryptor::<C>::new_from_slices(key, &iv)
            .map_err(|e| crypto_error(&e.to_string()))?
            .encrypt_padded_vec::<Pkcs7>(input),
        Mode::Gcm => {
            let nonce = Nonce::try_from(&iv[..]).map_err(|e| crypto_error(&e.to_string()))?;
            AesGcm::<C, aes_gcm::aead::consts::U12>::new_from_slice(key)
                .map_err(|e| crypto_error(&e.to_string()))?
                .encrypt(&nonce, Payload { msg: input, aad })
                .map_err(|_| crypto_error("encryption failed"))?
        }
    });
    Ok([iv, body].concat())
}

fn decrypt(input: &[u8], key: &[u8], mode: Mode, aad: &[u8]) -> DfResult<Vec<u8>> {
    check_key(key)?;
    if mode != Mode::Gcm && !aad.is_empty() {
        return Err(exec_err(format!(
            "[UNSUPPORTED_FEATURE.AES_MODE_AAD] The feature is not supported: `aes_decrypt` with AES-{} does not support additional authenticate data (AAD). SQLSTATE: 0A000",
            if mode == Mode::Ecb { "ECB" } else { "CBC" }
        )));
    }
    let bad_padding = || {
        crypto_error(
            "Given final block not properly padded. Such issues can arise if a bad key is used during decryption.",
        )
    };
    with_aes!(key, C => match mode {
        Mode::Ecb => ecb::Decryptor::<C>::new_from_slice(key)
            .map_err(|e| crypto_error(&e.to_string()))?
            .decrypt_padded_vec::<Pkcs7>(input)
            .map_err(|_| bad_padding()),
        Mode::Cbc => {
            let (iv, body) = input
                .split_at_checked(16)
                .ok_or_else(|| crypto_error("the input is shorter than its 16-byte IV"))?;
            cbc::Decryptor::<C>::new_from_slices(key, iv)
                .map_err(|e| crypto_error(&e.to_string()))?
                .decrypt_padded_vec::<Pkcs7>(body)
                .map_err(|_| bad_padding())
        }
        Mode::Gcm => {
            let (iv, body) = input
                .split_at_checked(12)
                .ok_or_else(|| crypto_error("the input is shorter than its 12-byte IV"))?;
            let nonce = Nonce::try_from(iv).map_err(|e| crypto_error(&e.to_string()))?;
            AesGcm::<C, aes_gcm::aead::consts::U12>::new_from_slice(key)
                .map_err(|e| crypto_error(&e.to_string()))?
                .decrypt(&nonce, Payload { msg: body, aad })
                .map_err(|_| crypto_error("Tag mismatch!"))
        }
    })
}

/// The string argument at `index` of row `i`, `default` when not given; `None` when `NULL`.
fn text_at<'a>(args: &'a [ArrayRef], index: usize, i: usize, default: &'a str) -> Option<&'a str> {
    match args.get(index) {
        None => Some(default),
        Some(a) => a
            .as_string_opt::<i32>()
            .and_then(|s| s.is_valid(i).then(|| s.value(i))),
    }
}

/// The binary argument at `index` of row `i`, empty when not given; `None` when `NULL`.
fn bytes_at(args: &[ArrayRef], index: usize, i: usize) -> Option<&[u8]> {
    match args.get(index) {
        None => Some(&[]),
        Some(a) => a
            .as_binary_opt::<i32>()
            .and_then(|b| b.is_valid(i).then(|| b.value(i))),
    }
}

/// Applies `f` to each row's arguments; `NULL` where one is `NULL`. `lenient` turns each row's
/// error into `NULL` (`try_aes_decrypt`).
fn each_row(
    args: &[ArrayRef],
    lenient: bool,
    f: impl Fn(&[ArrayRef], usize) -> Option<DfResult<Vec<u8>>>,
) -> DfResult<ArrayRef> {
    let rows = args.first().map_or(0, |a| a.len());
    let mut out = BinaryBuilder::new();
    for i in 0..rows {
        match f(args, i) {
            None => out.append_null(),
            Some(Ok(v)) => out.append_value(v),
            Some(Err(_)) if lenient => out.append_null(),
            Some(Err(e)) => return Err(e),
        }
    }
    Ok(Arc::new(out.finish()) as ArrayRef)
}

fn aes_encrypt(args: &[ArrayRef]) -> DfResult<ArrayRef> {
    each_row(args, false, |args, i| {
        let input = bytes_at(args, 0, i)?;
        let key = bytes_at(args, 1, i)?;
        let mode = text_at(args, 2, i, "GCM")?;
        let padding = text_at(args, 3, i, "DEFAULT")?;
        let iv = bytes_at(args, 4, i)?;
        let aad = bytes_at(args, 5, i)?;
        Some(mode_of(mode, padding).and_then(|m| encrypt(input, key, m, iv, aad)))
    })
}

fn decrypt_rows(args: &[ArrayRef], lenient: bool) -> DfResult<ArrayRef> {
    each_row(args, lenient, |args, i| {
        let input = bytes_at(args, 0, i)?;
        let key = bytes_at(args, 1, i)?;
        let mode = text_at(args, 2, i, "GCM")?;
        let padding = text_at(args, 3, i, "DEFAULT")?;
        let aad = bytes_at(args, 4, i)?;
        Some(mode_of(mode, padding).and_then(|m| decrypt(input, key, m, aad)))
    })
}

/// `(binary, binary[, string[, string[, binary...]]])`: strings and binaries as Spark casts them.
fn coerce(t: &[DataType], max: usize) -> DfResult<Vec<DataType>> {
    if !(2..=max).contains(&t.len()) {
        return Err(plan_err(format!(
            "takes 2 to {max} arguments, got {}",
            t.len()
        )));
    }
    let ordinals = ["first", "second", "third", "fourth", "fifth", "sixth"];
    t.iter()
        .enumerate()
        .map(|(i, t)| {
            let text = matches!(i, 2 | 3);
            let fits = match t {
                DataType::Null => true,
                DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => true,
                DataType::Binary | DataType::LargeBinary | DataType::BinaryView => !text,
                _ => false,
            };
            if !fits {
                return Err(plan_err(format!(
                    "[DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE] The {} parameter requires the \"{}\" type, however it has the type \"{t}\". SQLSTATE: 42K09",
                    ordinals[i],
                    if text { "STRING" } else { "BINARY" }
                )));
            }
            Ok(if text { DataType::Utf8 } else { DataType::Binary })
        })
        .collect()
}

pub(crate) fn register(ctx: &SessionContext) {
    fn binary(_: &[DataType]) -> DfResult<DataType> {
        Ok(DataType::Binary)
    }
    for f in [
        ColumnFn::new("aes_encrypt", |t| coerce(t, 6), binary, aes_encrypt).volatile(),
        ColumnFn::new(
            "aes_decrypt",
            |t| coerce(t, 5),
            binary,
            |a| decrypt_rows(a, false),
        ),
        ColumnFn::new(
            "try_aes_decrypt",
            |t| coerce(t, 5),
            binary,
            |a| decrypt_rows(a, true),
        ),
    ] {
        ctx.register_udf(f.udf());
    }
}

#[cfg(test)]
mod tests {
    use super::{Mode, decrypt, encrypt};

    #[test]
    fn round_trips_in_every_mode_and_key_size() {
        for key in [
            &b"0000111122223333"[..],
            b"000011112222333344445555",
            b"abcdefghijklmnop12345678ABCDEFGH",
        ] {
            for mode in [Mode::Ecb, Mode::Cbc, Mode::Gcm] {
                let aad: &[u8] = if mode == Mode::Gcm { b"aad" } else { b"" };
                let sealed = encrypt(b"Spark SQL", key, mode, &[], aad).unwrap();
                assert_eq!(decrypt(&sealed, key, mode, aad).unwrap(), b"Spark SQL");
            }
        }
    }

    #[test]
    fn a_wrong_key_or_aad_is_a_crypto_error() {
        let key = b"0000111122223333";
        let sealed = encrypt(b"Spark", key, Mode::Gcm, &[], b"a").unwrap();
        let err = decrypt(&sealed, key, Mode::Gcm, b"b").unwrap_err();
        assert!(err.to_string().contains("AES_CRYPTO_ERROR"), "{err}");
        let err = decrypt(&sealed[..5], key, Mode::Gcm, b"a").unwrap_err();
        assert!(err.to_string().contains("AES_CRYPTO_ERROR"), "{err}");
    }
}
