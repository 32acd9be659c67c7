use newton::hessian;

#[hessian(wrt(x))]
fn f(x: f64, n: i32) -> f64 {
    fn power(t: f64, n: i32) -> f64 {
        if n == 0 {
            1.0
        } else {
            t * power(t, n - 1)
        }
    }
    power(x, n)
}

fn main() {}
