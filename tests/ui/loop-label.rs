use newton::hessian;

#[hessian]
fn f(x: [f64; 2]) -> f64 {
    let mut s = 0.0;
    'outer: for i in 0..2 {
        s += x[i];
    }
    s
}

fn main() {}
