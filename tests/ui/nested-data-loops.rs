use newton::hessian;

#[hessian]
fn f(a: f64, xs: &[f64], ys: &[f64]) -> f64 {
    let mut s = 0.0;
    for x in xs {
        for y in ys {
            s += (a * x - y) * (a * x - y);
        }
    }
    s
}

fn main() {}
