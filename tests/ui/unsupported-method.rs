use newton::hessian;

#[hessian]
fn f(x: f64) -> f64 {
    x.floor() * x
}

fn main() {}
