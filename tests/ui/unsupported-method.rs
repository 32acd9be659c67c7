use newton::hessian;

#[hessian]
fn f(x: f64) -> f64 {
    x.erf() * x
}

fn main() {}
