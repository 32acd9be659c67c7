use newton::hessian;

#[hessian]
fn f(x: f64) -> f64 {
    if x > 0.0 {
        x * x
    } else {
        -x
    }
}

fn main() {}
