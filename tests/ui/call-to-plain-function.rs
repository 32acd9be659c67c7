use newton::hessian;

fn helper(x: f64) -> f64 {
    x * x
}

#[hessian]
fn f(x: f64) -> f64 {
    helper(x) + 1.0
}

fn main() {}
