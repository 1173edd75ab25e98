-- Math: rounding, signs, bases, try_ arithmetic, bitwise operators.
-- name: bround_column
SELECT k, bround(x, 1), bround(x) FROM nums ORDER BY k, s

-- name: bround_half_even
SELECT bround(CAST(2.5 AS DOUBLE)), bround(CAST(3.5 AS DOUBLE)), bround(CAST(-0.5 AS DOUBLE))

-- name: round_half_up
SELECT round(CAST(2.5 AS DOUBLE)), round(CAST(-2.5 AS DOUBLE)), round(CAST(0.125 AS DOUBLE), 2)

-- name: round_column
SELECT k, round(x, 1) FROM nums ORDER BY k, s

-- name: round_negative_scale
SELECT round(CAST(1234.5678 AS DOUBLE), -2)

-- name: signum_fns
SELECT k, signum(x), sign(k - 3) FROM nums ORDER BY k, s

-- name: signum_zero
SELECT signum(CAST(0.0 AS DOUBLE)), signum(CAST(-7.5 AS DOUBLE))

-- name: positive_negative
SELECT k, positive(k), negative(k), -x FROM nums ORDER BY k, s

-- name: conv_fn
SELECT conv('ff', 16, 10), conv('255', 10, 2), conv('-10', 10, 16)

-- name: conv_invalid_digits
SELECT conv('zz', 10, 16), conv('12z', 10, 10)

-- name: try_add_overflow
SELECT try_add(CAST(2147483647 AS INT), CAST(1 AS INT))

-- name: try_add_column
SELECT k, try_add(k, CAST(10 AS INT)) FROM nums ORDER BY k, s

-- name: try_subtract_overflow
SELECT try_subtract(CAST(-2147483648 AS INT), CAST(1 AS INT)), try_subtract(CAST(5 AS INT), CAST(7 AS INT))

-- name: try_multiply_overflow
SELECT try_multiply(9223372036854775807, CAST(2 AS BIGINT)), try_multiply(CAST(3 AS BIGINT), CAST(4 AS BIGINT))

-- name: try_divide_fn
SELECT try_divide(CAST(10 AS DOUBLE), CAST(4 AS DOUBLE)), try_divide(CAST(1 AS DOUBLE), CAST(0 AS DOUBLE))

-- name: try_divide_column
SELECT k, try_divide(x, CAST(k - 3 AS DOUBLE)) FROM nums ORDER BY k, s

-- name: try_cast_fn
SELECT try_cast('12a' AS INT), try_cast('12' AS INT)

-- name: try_sum_fn
SELECT try_sum(age), try_avg(age) FROM people

-- name: ceil_floor_scale
SELECT ceil(CAST(3.14159 AS DOUBLE), 2), floor(CAST(3.14159 AS DOUBLE), 2)
-- name: ceil_floor_scale_beside_its_decimal_form
SELECT ceil(CAST(3.14159 AS DOUBLE), 2), ceil(3.14159, 2), CAST(3.14159 AS DOUBLE), ceil(CAST(3.5 AS DOUBLE))
-- name: ceil_floor_scale_names
SELECT ceil(3.5), floor(3.14159, 3), ceil(12345, -2), floor(k, 1), ceil(k), ceiling(3.5), ceiling(2.5, 0) FROM VALUES (4) AS t(k)
-- name: ceil_floor_scale_of_floats
SELECT ceil(2.5D, 1), floor(1.25F, 1), ceil(CAST(k AS DOUBLE), 1) FROM VALUES (4) AS t(k)

-- name: ceil_floor_negative_scale
SELECT ceil(1234, -2), floor(1234, -2)

-- name: ceil_floor_column
SELECT k, ceil(x), floor(x) FROM nums ORDER BY k, s

-- name: factorial_fn
SELECT factorial(5), factorial(0), factorial(21)

-- name: bitwise_not
SELECT k, ~k FROM nums ORDER BY k, s

-- name: bitwise_ops
SELECT k & 6, k | 8, k ^ 3 FROM nums ORDER BY k, s

-- name: shift_fns
SELECT shiftleft(k, 4), shiftright(k * 16, 2) FROM nums ORDER BY k, s

-- name: pmod_fn
SELECT k, pmod(k - 3, 3), pmod(k, -2) FROM nums ORDER BY k, s

-- name: abs_column
SELECT k, abs(k - 3), abs(x) FROM nums ORDER BY k, s

-- name: exp_logs
SELECT round(exp(CAST(1 AS DOUBLE)), 6), log2(CAST(8 AS DOUBLE)), log1p(CAST(0 AS DOUBLE)), ln(exp(CAST(2 AS DOUBLE)))

-- name: trig_fns
SELECT sin(CAST(0 AS DOUBLE)), cos(CAST(0 AS DOUBLE)), round(atan2(CAST(1 AS DOUBLE), CAST(1 AS DOUBLE)), 6), round(degrees(pi()), 6), round(radians(CAST(180 AS DOUBLE)), 6)

-- name: cbrt_hypot
SELECT cbrt(CAST(27 AS DOUBLE)), hypot(CAST(3 AS DOUBLE), CAST(4 AS DOUBLE))

-- name: greatest_least_nulls
SELECT k, greatest(k, x), least(k, x) FROM nums ORDER BY k, s

-- name: width_bucket_fn
SELECT width_bucket(CAST(5.3 AS DOUBLE), CAST(0.2 AS DOUBLE), CAST(10.6 AS DOUBLE), 5)

-- name: hex_bin
SELECT hex(255), bin(5), hex('Spark')

-- name: nan_fns
SELECT isnan(CAST('NaN' AS DOUBLE)), nanvl(CAST('NaN' AS DOUBLE), CAST(0 AS DOUBLE)), isnan(x) FROM nums WHERE k = 1

-- name: div_operator
SELECT k div 2, (k - 5) div 2 FROM nums ORDER BY k, s

-- name: sqrt_negative
SELECT sqrt(CAST(-1 AS DOUBLE))

-- name: mod_by_zero
SELECT k % 0 FROM nums

-- name: e_pi
SELECT e(), pi()

-- name: shift_operators
SELECT 1 << 2, 8 >> 1, -8 >>> 1, 1L << 40, 1 << 33, -1 >>> 28, -16L >> 2

-- name: shift_operators_bind_between_plus_and_ampersand
SELECT 1 + 1 << 2, 1 << 2 & 3, 7 & 12 >> 2, 1 << 1 << 1, 256 >> 2 >> 1

-- name: shift_operators_on_columns
SELECT k, k << 2, k >> 1, k >>> 1 FROM nums ORDER BY k, s
-- name: bround_types
SELECT bround(2.5), typeof(bround(2.5)), bround(25, -1), typeof(bround(25, -1)), bround(35L, -1), typeof(bround(CAST(35 AS SMALLINT), -1)), bround(1.5F), typeof(bround(1.5F))
-- name: bround_decimals
SELECT bround(2.345, 2), typeof(bround(2.345, 2)), bround(2.355, 2), bround(-2.5), bround(9.5), typeof(bround(9.5)), bround(123.45, -1), typeof(bround(123.45, -1)), bround(2.5, 5), typeof(bround(2.5, 5))
-- name: bround_doubles_by_their_decimal_digits
SELECT bround(2.675D, 2), bround(0.125D, 2), bround(1.005D, 2), bround(-0.5D), bround(2.5D, -1), bround(1e20D, -19), bround(CAST('NaN' AS DOUBLE)), bround(5.5D, NULL)
-- name: bround_of_a_decimal_column
SELECT k, bround(CAST(x AS DECIMAL(5, 2)), 1), bround(k * 5, -1) FROM nums ORDER BY k
