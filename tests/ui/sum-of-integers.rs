use newton::hessian;

#[hessian]
fn f(x: f64) -> f64 {
    let n = (0..4).sum::<usize>();
    x * n as f64
}

fn main() {}
