use newton::hessian;

#[hessian]
fn f(x: &mut [f64; 2]) -> f64 {
    x[0] * x[1]
}

fn main() {}
