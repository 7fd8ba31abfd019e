
:
xPlaceholder*
dtype0*
shape:
Q
SpaceToDepthSpaceToDepthx*

block_size*
T0*
data_formatNHWC
:
zPlaceholder*
dtype0*
shape:
Q
DepthToSpaceDepthToSpacez*

block_size*
T0*
data_formatNHWC
:
uPlaceholder*
dtype0*
shape:
S
SpaceToDepth_1SpaceToDepthu*

block_size*
T0*
data_formatNHWC
=
dy_0Placeholder*
dtype0*
shape:
=
dy_1Placeholder*
dtype0*
shape:
O
gradients/grad_ys_0Identitydy_0*
_class
loc:@SpaceToDepth*
T0
O
gradients/grad_ys_1Identitydy_1*
_class
loc:@DepthToSpace*
T0
 
(gradients/SpaceToDepth_grad/DepthToSpaceDepthToSpacegradients/grad_ys_0*

block_size*
_class
loc:@SpaceToDepth*
T0*
data_formatNHWC
 
(gradients/DepthToSpace_grad/SpaceToDepthSpaceToDepthgradients/grad_ys_1*

block_size*
_class
loc:@DepthToSpace*
T0*
data_formatNHWC"ª