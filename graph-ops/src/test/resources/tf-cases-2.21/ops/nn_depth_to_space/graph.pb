
:
xPlaceholder*
dtype0*
shape:
Q
SpaceToDepthSpaceToDepthx*
T0*

block_size*
data_formatNHWC
:
zPlaceholder*
dtype0*
shape:
Q
DepthToSpaceDepthToSpacez*
T0*

block_size*
data_formatNHWC
:
uPlaceholder*
dtype0*
shape:
S
SpaceToDepth_1SpaceToDepthu*
T0*

block_size*
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
gradients/grad_ys_0Identitydy_0*
T0*
_class
loc:@SpaceToDepth
O
gradients/grad_ys_1Identitydy_1*
T0*
_class
loc:@DepthToSpace
 
(gradients/SpaceToDepth_grad/DepthToSpaceDepthToSpacegradients/grad_ys_0*
T0*
_class
loc:@SpaceToDepth*

block_size*
data_formatNHWC
 
(gradients/DepthToSpace_grad/SpaceToDepthSpaceToDepthgradients/grad_ys_1*
T0*
_class
loc:@DepthToSpace*

block_size*
data_formatNHWC"ª