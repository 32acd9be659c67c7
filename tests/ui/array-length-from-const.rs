use newton::hessian;

const N: usize = 3;

#[hessian]
fn f(x: [f64; N]) -> f64 {
    x[0] * x[1]
}

fn main() {}
