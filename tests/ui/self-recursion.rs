use newton::hessian;

#[hessian(wrt(x))]
fn f(x: f64, n: i32) -> f64 {
    if n == 0 {
        x
    } else {
        f(x * 2.0, n - 1).sin()
    }
}

fn main() {}
