//! Spark's number format strings in `to_number(s, fmt)` and `try_to_number(s, fmt)`: `s` read
//! as the `DECIMAL(p, s)` that `fmt` describes (`p` its digits, `s` those after the point).
//!
//! Format elements: `0`/`9` digits, `.`/`D` the decimal point, `,`/`G` a thousands separator,
//! `$` a currency sign, `S` a sign at either end, `MI` a sign at the end, `PR` angle brackets
//! around a negative number. Input that does not fit the format fails (`to_number`) or is
//! `NULL` (`try_to_number`).

use std::hash::Hash;
use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, AsArray, Decimal128Builder};
use datafusion::arrow::datatypes::{DataType, Field, FieldRef};
use datafusion::common::ScalarValue;
use datafusion::error::Result as DfResult;
use datafusion::logical_expr::{
    ColumnarValue, ReturnFieldArgs, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature,
    Volatility,
};
use datafusion::prelude::SessionContext;

use super::{exec_err, plan_err};

/// A parsed number format.
#[derive(Debug, Clone, PartialEq)]
struct NumberFormat {
    int_digits: usize,
    frac_digits: usize,
    point: bool,
    grouping: bool,
    currency: bool,
    sign: bool,
    brackets: bool,
}

impl NumberFormat {
    fn parse(fmt: &str) -> Result<Self, String> {
        let upper = fmt.to_ascii_uppercase();
        let mut rest = upper.as_str();
        let mut f = NumberFormat {
            int_digits: 0,
            frac_digits: 0,
            point: false,
            grouping: false,
            currency: false,
            sign: false,
            brackets: false,
        };
        if let Some(r) = rest.strip_prefix('S') {
            f.sign = true;
            rest = r;
        }
        if let Some(r) = rest.strip_suffix("PR") {
            f.brackets = true;
            rest = r;
        } else if let Some(r) = rest.strip_suffix("MI") {
            f.sign = true;
            rest = r;
        } else if let Some(r) = rest.strip_suffix('S') {
            if f.sign {
                return Err(format!("the format '{fmt}' has two signs"));
            }
            f.sign = true;
            rest = r;
        }
        for c in rest.chars() {
            match c {
                '0' | '9' if f.point => f.frac_digits += 1,
                '0' | '9' => f.int_digits += 1,
                '.' | 'D' if !f.point => f.point = true,
                ',' | 'G' if !f.point => f.grouping = true,
                '$' if !f.currency => f.currency = true,
                other => return Err(format!("unexpected '{other}' in the number format '{fmt}'")),
            }
        }
        if f.int_digits + f.frac_digits == 0 {
            return Err(format!("the number format '{fmt}' has no digits"));
        }
        if f.int_digits + f.frac_digits > 38 {
            return Err(format!("the number format '{fmt}' has more than 38 digits"));
        }
        Ok(f)
    }

    fn data_type(&self) -> DataType {
        let p = u8::try_from(self.int_digits + self.frac_digits).unwrap_or(38);
        let s = i8::try_from(self.frac_digits).unwrap_or(0);
        DataType::Decimal128(p, s)
    }

    /// `text` as the unscaled value of [`Self::data_type`], or `None` if it does not fit.
    fn read(&self, text: &str) -> Option<i128> {
        let mut t = text.trim();
        let mut negative = false;
        if self.brackets
            && let Some(inner) = t.strip_prefix('<').and_then(|r| r.strip_suffix('>'))
        {
            negative = true;
            t = inner;
        }
        if self.sign {
            if let Some(r) = t.strip_prefix('-') {
                negative = true;
                t = r;
            } else if let Some(r) = t.strip_prefix('+') {
                t = r;
            } else if let Some(r) = t.strip_suffix('-') {
                negative = true;
                t = r;
            } else if let Some(r) = t.strip_suffix('+') {
                t = r;
            }
        }
        let owned;
        if self.currency {
            owned = t.replacen('$', "", 1);
            t = &owned;
        }
        let (int_part, frac_part) = match t.split_once('.') {
            Some(_) if !self.point => return None,
            Some((i, f)) => (i, f),
            None => (t, ""),
        };
        if int_part.contains(',') && !self.grouping {
            return None;
        }
        let int_digits: String = int_part.chars().filter(|&c| c != ',').collect();
        let all_digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
        if !all_digits(&int_digits)
            || !all_digits(frac_part)
            || (int_digits.is_empty() && frac_part.is_empty())
            || int_part.starts_with(',')
            || int_part.ends_with(',')
        {
            return None;
        }
        let significant = int_digits.trim_start_matches('0');
        if significant.len() > self.int_digits || frac_part.len() > self.frac_digits {
            return None;
        }
        let mut digits = String::from(significant);
        digits.push_str(frac_part);
        digits.extend(std::iter::repeat_n('0', self.frac_digits - frac_part.len()));
        let v: i128 = if digits.is_empty() {
            0
        } else {
            digits.parse().ok()?
        };
        Some(if negative { -v } else { v })
    }
}

/// `to_number(s, fmt)` (`try_to_number` when `tolerant`).
#[derive(Debug, PartialEq, Eq, Hash)]
struct ToNumber {
    name: &'static str,
    tolerant: bool,
    signature: Signature,
}

impl ToNumber {
    fn format(&self, fmt: Option<&ScalarValue>) -> DfResult<NumberFormat> {
        match fmt {
            Some(
                ScalarValue::Utf8(Some(f))
                | ScalarValue::Utf8View(Some(f))
                | ScalarValue::LargeUtf8(Some(f)),
            ) => NumberFormat::parse(f).map_err(|e| plan_err(format!("{}: {e}", self.name))),
            _ => Err(plan_err(format!(
                "{}: the format must be a string literal such as '999.99'",
                self.name
            ))),
        }
    }
}

impl ScalarUDFImpl for ToNumber {
    fn name(&self) -> &str {
        self.name
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn coerce_types(&self, arg_types: &[DataType]) -> DfResult<Vec<DataType>> {
        match arg_types.len() {
            2 => Ok(vec![DataType::Utf8, DataType::Utf8]),
            n => Err(plan_err(format!(
                "{} takes 2 arguments, got {n}",
                self.name
            ))),
        }
    }

    fn return_type(&self, _arg_types: &[DataType]) -> DfResult<DataType> {
        Err(plan_err(format!(
            "{}'s type comes from its format argument",
            self.name
        )))
    }

    fn return_field_from_args(&self, args: ReturnFieldArgs<'_>) -> DfResult<FieldRef> {
        let f = self.format(args.scalar_arguments.get(1).copied().flatten())?;
        Ok(Arc::new(Field::new(self.name, f.data_type(), true)))
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> DfResult<ColumnarValue> {
        let DataType::Decimal128(p, s) = *args.return_field.data_type() else {
            return Err(exec_err(format!("{}: unexpected result type", self.name)));
        };
        let all_scalar = args
            .args
            .iter()
            .all(|a| matches!(a, ColumnarValue::Scalar(_)));
        let arrays = ColumnarValue::values_to_arrays(&args.args)?;
        let text = arrays[0].as_string::<i32>();
        let fmt = arrays[1].as_string::<i32>();
        let mut out = Decimal128Builder::with_capacity(text.len());
        let mut format: Option<(String, NumberFormat)> = None;
        for i in 0..text.len() {
            if text.is_null(i) || fmt.is_null(i) {
                out.append_null();
                continue;
            }
            if format.as_ref().is_none_or(|(f, _)| f != fmt.value(i)) {
                let parsed = NumberFormat::parse(fmt.value(i))
                    .map_err(|e| exec_err(format!("{}: {e}", self.name)))?;
                format = Some((fmt.value(i).to_owned(), parsed));
            }
            let Some((_, f)) = &format else {
                return Err(exec_err(format!("{}: no format", self.name)));
            };
            match f.read(text.value(i)) {
                Some(v) => out.append_value(v),
                None if self.tolerant => out.append_null(),
                None => {
                    return Err(exec_err(format!(
                        "[INVALID_FORMAT.MISMATCH_INPUT] The format is invalid: {}. The input \"STRING\" {} does not match the format ({}; try_{} gives NULL). SQLSTATE: 42601",
                        fmt.value(i),
                        text.value(i),
                        self.name,
                        self.name
                    )));
                }
            }
        }
        let out: ArrayRef = Arc::new(out.finish().with_precision_and_scale(p, s)?);
        if all_scalar && out.len() == 1 {
            Ok(ColumnarValue::Scalar(ScalarValue::try_from_array(&out, 0)?))
        } else {
            Ok(ColumnarValue::Array(out))
        }
    }
}

/// Registers `to_number` and `try_to_number`.
pub(crate) fn register(ctx: &SessionContext) {
    for (name, tolerant) in [("to_number", false), ("try_to_number", true)] {
        ctx.register_udf(ScalarUDF::new_from_impl(ToNumber {
            name,
            tolerant,
            signature: Signature::user_defined(Volatility::Immutable),
        }));
    }
}

#[cfg(test)]
mod tests {
    use super::NumberFormat;

    #[test]
    fn formats_give_precision_and_scale() {
        let f = NumberFormat::parse("S$99,999.00").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((f.int_digits, f.frac_digits), (5, 2));
        assert!(NumberFormat::parse("99x").is_err());
    }

    #[test]
    fn input_must_fit_the_format() {
        let f = NumberFormat::parse("999.99").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(f.read("12.5"), Some(1250));
        assert_eq!(f.read("1234"), None);
        assert_eq!(f.read("1.234"), None);
        assert_eq!(f.read("abc"), None);
    }
}
