
2
xPlaceholder*
dtype0*
shape
:
 
SoftsignSoftsignx*
T0
5
dy_0Placeholder*
dtype0*
shape
:
.
gradients/grad_ys_0Identitydy_0*
T0
U
$gradients/Softsign_grad/SoftsignGradSoftsignGradgradients/grad_ys_0x*
T0"ª