use newton::hessian;

#[hessian]
fn f(x: f64) -> f64 {
    x.midpoint(2.0) * x
}

fn main() {}
