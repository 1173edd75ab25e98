-- Math: rounding, signs, bases, try_ arithmetic, bitwise operators.
-- name: bround_column
SELECT k, bround(x, 1), bround(x) FROM nums ORDER BY k, s

-- name: bround_half_even
SELECT bround(2.5D), bround(3.5D), bround(-0.5D)

-- name: round_half_up
SELECT round(2.5D), round(-2.5D), round(0.125D, 2)

-- name: round_column
SELECT k, round(x, 1) FROM nums ORDER BY k, s

-- name: round_negative_scale
SELECT round(1234.5678D, -2)

-- name: signum_fns
SELECT k, signum(x), sign(k - 3) FROM nums ORDER BY k, s

-- name: signum_zero
SELECT signum(0.0D), signum(-7.5D)

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
SELECT try_divide(10D, 4D), try_divide(1D, 0D)

-- name: try_divide_column
SELECT k, try_divide(x, CAST(k - 3 AS DOUBLE)) FROM nums ORDER BY k, s

-- name: try_cast_fn
SELECT try_cast('12a' AS INT), try_cast('12' AS INT)

-- name: try_sum_fn
SELECT try_sum(age), try_avg(age) FROM people

-- name: ceil_floor_scale
SELECT ceil(3.14159D, 2), floor(3.14159D, 2)

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
SELECT round(exp(1D), 6), log2(8D), log1p(0D), ln(exp(2D))

-- name: trig_fns
SELECT sin(0D), cos(0D), round(atan2(1D, 1D), 6), round(degrees(pi()), 6), round(radians(180D), 6)

-- name: cbrt_hypot
SELECT cbrt(27D), hypot(3D, 4D)

-- name: greatest_least_nulls
SELECT k, greatest(k, x), least(k, x) FROM nums ORDER BY k, s

-- name: width_bucket_fn
SELECT width_bucket(5.3D, 0.2D, 10.6D, 5)

-- name: hex_bin
SELECT hex(255), bin(5), hex('Spark')

-- name: nan_fns
SELECT isnan(CAST('NaN' AS DOUBLE)), nanvl(CAST('NaN' AS DOUBLE), 0D), isnan(x) FROM nums WHERE k = 1

-- name: div_operator
SELECT k div 2, (k - 5) div 2 FROM nums ORDER BY k, s

-- name: sqrt_negative
SELECT sqrt(-1D)

-- name: mod_by_zero
SELECT k % 0 FROM nums

-- name: e_pi
SELECT e(), pi()
