use newton::hessian;

#[hessian]
fn f(x: [f64; 2]) -> f64 {
    let mut s = 0.0;
    let first = x[0];
    for v in first {
        s += v * v;
    }
    s
}

fn main() {}
