use newton::hessian;

#[hessian(wrt(x, xs))]
fn f(x: f64, xs: &[f64]) -> f64 {
    let mut s = 0.0;
    for v in xs {
        s += (x - v) * (x - v);
    }
    s
}

fn main() {}
