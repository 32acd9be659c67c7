use newton::hessian;

#[hessian]
fn f(a: f64, xs: &[f64]) -> f64 {
    let mut s = 0.0;
    for x in xs {
        s += a * x * s;
    }
    s
}

fn main() {}
