use newton::hessian;

#[hessian]
fn f(x: [f64; 4], n: usize) -> f64 {
    let mut s = 0.0;
    for i in 0..n {
        s += x[i] * x[i];
    }
    s
}

fn main() {}
