
.
aPlaceholder*
dtype0*
shape:
.
bPlaceholder*
dtype0*
shape:
F
einsum/EinsumEinsumab*
N*
T0*
equation	i,j->ij
5
dy_0Placeholder*
dtype0*
shape
:
.
gradients/grad_ys_0Identitydy_0*
T0
P
"gradients/einsum/Einsum_grad/ShapeConst*
dtype0*
valueB:
R
$gradients/einsum/Einsum_grad/Shape_1Const*
dtype0*
valueB:
n
#gradients/einsum/Einsum_grad/EinsumEinsumgradients/grad_ys_0b*
N*
T0*
equation	ij,j->i
p
%gradients/einsum/Einsum_grad/Einsum_1Einsumgradients/grad_ys_0a*
N*
T0*
equation	ij,i->j"ª