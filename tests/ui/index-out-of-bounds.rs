use newton::hessian;

#[hessian]
fn f(x: [f64; 2]) -> f64 {
    x[0] * x[5]
}

fn main() {}
